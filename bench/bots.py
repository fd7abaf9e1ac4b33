"""The bot check with RE2 against the libraries' own functions, same agents, same run.

    PYTHONPATH=. .venv/bin/python bench/bots.py [--agents 3000]

Times `advocacy.tracking.bots.is_bot` and the baseline (crawler-user-agents' `is_crawler`
or crawlerdetect's `is_crawler`, as the drain called them before) on browsers' agents with
random build numbers (what most clicks carry, each unique) and on the crawler list's own
sample agents; prints µs per agent and the ratio, and checks the answers are the same.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crawleruseragents  # noqa: E402
from crawlerdetect import CrawlerDetect  # noqa: E402

from advocacy.tracking.bots import is_bot  # noqa: E402

BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/141.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/141.0.0.0 Mobile Safari/537.36 [LinkedInApp]",
)


def per_agent(check, agents: list[str]) -> float:
    started = time.perf_counter()
    for agent in agents:
        check(agent)
    return (time.perf_counter() - started) / len(agents) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=3000)
    args = parser.parse_args()
    rng = random.Random(1)
    browsers = [f"{rng.choice(BROWSERS)} Build/{rng.randrange(10**6)}"
                for _ in range(args.agents)]
    crawlers = [agent for entry in crawleruseragents.CRAWLER_USER_AGENTS_DATA
                for agent in entry.get("instances", [])]
    detect = CrawlerDetect()

    def baseline(agent: str) -> bool:
        return not agent.strip() or bool(crawleruseragents.is_crawler(agent)
                                         or detect.is_crawler(agent))

    is_bot("warm-up"), baseline("warm-up")  # compile both before timing
    differ = sum(is_bot(a) != baseline(a) for a in browsers + crawlers)
    print(f"{'agents':<28}{'baseline µs':>12}{'RE2 µs':>10}{'ratio':>8}")
    for name, agents in (("browsers (random builds)", browsers),
                         ("crawler list samples", crawlers)):
        slow, fast = per_agent(baseline, agents), per_agent(is_bot, agents)
        print(f"{name:<28}{slow:>12.1f}{fast:>10.1f}{slow / fast:>7.1f}×")
    print(f"different answers: {differ} of {len(browsers) + len(crawlers)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
