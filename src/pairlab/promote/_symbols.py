"""Which names code binds and reads, from Python's own symbol tables (scopes done right)."""

from __future__ import annotations

import ast
import symtable


def _table(node: ast.AST) -> symtable.SymbolTable:
    """Return the symbol table of one statement, compiled on its own."""
    return symtable.symtable(ast.unparse(node), "<cell>", "exec")


def _nested_globals(table: symtable.SymbolTable) -> set[str]:
    """Return globals read in the nested scopes (lambdas, comprehensions, functions) of `table`."""
    found: set[str] = set()
    for child in table.get_children():
        found |= {s.get_name() for s in child.get_symbols() if s.is_global() and s.is_referenced()}
        found |= _nested_globals(child)
    return found


def loads(node: ast.stmt) -> set[str]:
    """Return the global names a top-level statement reads, nested scopes included."""
    table = _table(node)
    top = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    return top | _nested_globals(table)


def stores(node: ast.stmt) -> set[str]:
    """Return the names a top-level statement binds or changes (`df["x"] = ...` changes df)."""
    table = _table(node)
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    targets: list[ast.AST] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = [node.target]
    for target in targets:
        while isinstance(target, ast.Subscript | ast.Attribute):
            target = target.value
        if isinstance(target, ast.Name):
            bound.add(target.id)
    return bound


def function_globals(text: str) -> set[str]:
    """Return the globals a function definition's body reads (its free names at module level)."""
    table = symtable.symtable(text, "<function>", "exec")
    found: set[str] = set()
    for child in table.get_children():
        found |= {s.get_name() for s in child.get_symbols() if s.is_global() and s.is_referenced()}
        found |= _nested_globals(child)
    # Decorators and defaults are evaluated in the module scope.
    module = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    return found | module
