"""Time the bot check per user agent not seen before (the lru_cache is bypassed), on this tree
and, with --baseline-tree, on another checkout of the project in the same process.

    python bench/bot_check.py --baseline-tree ../some-older-checkout

Realistic agents (Chrome, Safari on iOS, Firefox, Googlebot) with varying version numbers, so
the figure is what a hit with a new agent costs on the collection path.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path
from types import ModuleType
from typing import Any

AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.{v}; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
)


def load_bots(tree: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, tree / "umami_server/enrich/bots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def uncached_judge(module: ModuleType) -> Any:
    judge = module._judge
    # Older trees kept the uncached function under this name and cached a copy of it.
    return getattr(judge, "__wrapped__", judge)


def microseconds_per_agent(module: ModuleType, agents: list[str]) -> float:
    judge = uncached_judge(module)
    started = time.perf_counter()
    for agent in agents:
        judge(agent)
    return (time.perf_counter() - started) / len(agents) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-tree", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    agents = [template.format(v=number) for number in range(2000) for template in AGENTS]
    trees = {"this tree": Path(__file__).resolve().parent.parent}
    if arguments.baseline_tree:
        trees["baseline"] = arguments.baseline_tree.resolve()
    modules = {label: load_bots(tree, f"bots_{index}")
               for index, (label, tree) in enumerate(trees.items())}
    best: dict[str, float] = {}
    for _ in range(arguments.rounds):  # interleaved, so both sides see the same machine
        for label, module in modules.items():
            figure = microseconds_per_agent(module, agents)
            best[label] = min(best.get(label, figure), figure)
    for label, figure in best.items():
        print(f"{label}: {figure:.1f} µs per new agent (best of {arguments.rounds})")
    if "baseline" in best:
        print(f"ratio this tree / baseline: {best['this tree'] / best['baseline']:.2f}")


if __name__ == "__main__":
    main()
