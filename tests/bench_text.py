"""Which stemmer for the one text toolkit: measured on the seeds' gold attributions.

Not a test (not collected). Run: `.venv/bin/python tests/bench_text.py`.

For each of the 73 gold claims, the attribution check must pass against its own article
(every gold attribution is grounded, by the guidelines). Against each other article whose
text does not contain any of the attribution's distinctive words, it should fail: a pass
there is a false support. Compared: the five-letter prefix the checks used before, the plural
folding metrics used, and Snowball English (snowballstemmer), each with the same fallback for
a name glued to the next word.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import verifier.pipeline.checks as checks
import verifier.text.words as words_mod
from verifier.evaluation.gold import load_gold
from verifier.pipeline.documents import load_documents

ROOT = Path(__file__).resolve().parents[1]


def prefix5(word: str) -> str:
    w = word.lower().replace("’", "'").split("'")[0]
    return w[:5] if len(w) > 5 else w


def plural(word: str) -> str:
    w = word.lower().replace("’", "'").split("'")[0]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def main() -> None:
    docs = {d.id: d for d in load_documents([ROOT / "seeds"])}
    gold, _ = load_gold(ROOT / "evals" / "gold", {k: d.text for k, d in docs.items()})
    claims = [c for g in gold.values() for c in g.claims]
    snowball = words_mod.stem
    stemmers: dict[str, Callable[[str], str]] = {
        "prefix5": prefix5,
        "plural": plural,
        "snowball": snowball,
    }
    for name, fn in stemmers.items():
        checks.stem = fn  # the check looks its stemmer up at call time
        words_mod.stem = fn
        t0 = time.perf_counter()
        own = [checks.check_attribution(c, docs[c.doc_id]).passed for c in claims]
        foreign = []
        for c in claims:
            distinct = [
                w
                for w in checks.WORD.findall(c.attributed_to)
                if w.lower() not in checks.GENERIC_WORDS and len(w) > 2
            ]
            for d in docs.values():
                unrelated = not any(w.lower() in d.text.lower() for w in distinct)
                if d.id != c.doc_id and distinct and unrelated:
                    foreign.append(checks.check_attribution(c, d).passed)
        ms = (time.perf_counter() - t0) * 1000
        print(
            f"{name:9} gold supported {sum(own)}/{len(own)}; "
            f"foreign attributions wrongly supported {sum(foreign)}/{len(foreign)}; {ms:.0f} ms"
        )
    checks.stem = words_mod.stem = snowball


if __name__ == "__main__":
    main()
