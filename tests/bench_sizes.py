"""Module and function sizes of the package, in lines (issue 9: "one concern per module").

Not a test (not collected). Run: `.venv/bin/python tests/bench_sizes.py [N]`.

Lines of a module are its physical lines; a function's are `end_lineno - lineno + 1` from
`ast` (decorators not counted, nested functions counted in their parent and on their own).
Prints the N largest modules and functions (default 10).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "verifier"


def sizes(root: Path = PACKAGE) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(lines, module) and (lines, module:function) for every .py file under `root`."""
    modules: list[tuple[int, str]] = []
    functions: list[tuple[int, str]] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        modules.append((len(text.splitlines()), rel))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                functions.append((node.end_lineno - node.lineno + 1, f"{rel}:{node.name}"))
    return sorted(modules, reverse=True), sorted(functions, reverse=True)


def main() -> None:
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    modules, functions = sizes()
    print(f"{len(modules)} modules, {sum(n for n, _ in modules)} lines; largest:")
    for n, name in modules[:top]:
        print(f"  {n:5}  {name}")
    print(f"{len(functions)} functions; largest:")
    for n, name in functions[:top]:
        print(f"  {n:5}  {name}")


if __name__ == "__main__":
    main()
