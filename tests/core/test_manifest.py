"""The web app manifest is ours: served, translated, linked from every page."""

import json


def test_manifest_is_served_by_us_translated_with_icons(client, db_session):
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": "nn"})
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert "Accept-Language" in response.headers["Vary"]
    body = json.loads(response.get_data(as_text=True))
    assert body["lang"] == "nn" and body["display"] == "standalone"
    assert body["theme_color"] == "#0b3d91" and body["start_url"] == "/"
    assert body["description"].startswith("Del historiene og dei ledige stillingane")
    icons = {(i["sizes"], i["purpose"]): i["src"] for i in body["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), src in icons.items():
        image = client.get(src)
        assert image.status_code == 200 and image.mimetype == "image/png"
        data = image.get_data()
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert f"{width}x{height}" == sizes
    danish = json.loads(client.get("/manifest.webmanifest",
                                   headers={"Accept-Language": "da"}).get_data(as_text=True))
    assert danish["description"].startswith("Del din arbejdsplads")


def test_every_page_links_the_manifest_and_theme_colour(client, db_session):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#0b3d91">' in page
