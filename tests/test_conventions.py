"""Conventions the tools do not check by themselves."""

import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _skips_outside_tables(path: Path) -> list[int]:
    src = path.read_text(encoding="utf-8")
    tables: set[int] = set()
    for node in ast.parse(src).body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if targets and all(isinstance(t, ast.Name) and t.id.isupper() for t in targets):
            tables.update(range(node.lineno, node.end_lineno + 1))
    comments = tokenize.generate_tokens(io.StringIO(src).readline)
    skips = [t.start[0] for t in comments if t.type == tokenize.COMMENT and t.string.strip() == "# fmt: skip"]
    return [i for i in skips if i not in tables]


def test_the_formatter_is_bypassed_only_for_tables_of_data():
    """The skip comment only on module-level constant tables (choices, vocabularies, column lists)."""
    found = {
        str(p.relative_to(ROOT)): lines
        for base in ("src", "tests", "bench", "scripts")
        for p in (ROOT / base).rglob("*.py")
        if "migrations" not in p.parts and (lines := _skips_outside_tables(p))
    }
    assert found == {}


def _view_modules():
    """Every app's views and API handlers: `views.py`, `api.py` and the modules of a `views/` package."""
    src = ROOT / "src" / "parkos"
    yield from sorted(p for p in src.glob("*/*.py") if p.name in {"views.py", "api.py"})
    yield from sorted(src.glob("*/views/*.py"))


def test_views_and_api_handlers_read_through_selectors_not_the_orm():
    """Thin views: no `Model.objects` in a view or API module — reads go through a scoped selector, writes
    through a service."""
    found = []
    for path in _view_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


def test_views_parse_posts_and_queries_with_forms_not_by_hand():
    """Thin views: a post or a query is parsed by a form (`Form(request.POST)`, `QueryParams.of(request)`), never
    read field by field (`request.POST.get`, `request.GET[...]`, `getlist`); asking which form was posted (`"x" in
    request.POST`) is fine. The kernel's `action_post` and `next_url` are the two places that read one field."""
    allowed = {"src/parkos/core/views.py:action_post", "src/parkos/core/views.py:next_url"}
    found = []
    for path in _view_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef) or f"{path.relative_to(ROOT)}:{fn.name}" in allowed:
                continue
            for node in ast.walk(fn):
                target = (
                    node.value
                    if isinstance(node, ast.Subscript)
                    else node.func.value
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    else None
                )
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in {"POST", "GET"}
                    and (
                        isinstance(node, ast.Subscript)
                        or node.func.attr in {"get", "getlist", "items", "dict", "lists"}
                    )
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


def test_at_most_three_functions_run_over_a_hundred_lines():
    """Long work is split into named steps; the three left are a parser's and an engine's single passes and a
    demo builder's table of chains."""
    long = []
    for path in sorted((ROOT / "src" / "parkos").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.end_lineno - node.lineno >= 100
            ):
                long.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert len(long) <= 3, long
