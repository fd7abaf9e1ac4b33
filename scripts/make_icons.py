"""Draw advocacy's home-screen icons (a white 'share' glyph on the app's blue) with Pillow."""
import sys
from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 61, 145, 255)
WHITE = (255, 255, 255, 255)


def icon(size: int, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then shrink: smooth edges
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle((0, 0, s, s), fill=BLUE)
        k = 0.72  # keep the glyph inside the maskable safe zone (inner 80 % circle)
    else:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=int(s * 0.19), fill=BLUE)
        k = 1.0
    c = s / 2
    r = s * 0.085 * k
    w = int(s * 0.05 * k)
    a = (c + s * 0.19 * k, c - s * 0.21 * k)
    b = (c - s * 0.19 * k, c)
    e = (c + s * 0.19 * k, c + s * 0.21 * k)
    d.line([b, a], fill=WHITE, width=w)
    d.line([b, e], fill=WHITE, width=w)
    for x, y in (a, b, e):
        d.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    return img.resize((size, size), Image.LANCZOS)


out = Path(sys.argv[1])
icon(192, False).save(out / "icon-192.png", optimize=True)
icon(512, False).save(out / "icon-512.png", optimize=True)
icon(512, True).save(out / "icon-maskable-512.png", optimize=True)
