"""tree-sitter helpers shared by the SDK importers (TypeScript declarations and the generated JavaScript:
the TypeScript grammar reads both)."""

from __future__ import annotations

import tree_sitter
import tree_sitter_typescript

LANGUAGE = tree_sitter.Language(tree_sitter_typescript.language_typescript())
WRAPPERS = ("export_statement", "ambient_declaration")


def parse(data: bytes):
    """The syntax tree of ``data`` (TypeScript or JavaScript source)."""
    return tree_sitter.Parser(LANGUAGE).parse(data)


def text(node) -> str:
    return node.text.decode("utf-8", errors="replace")


def line(node) -> int:
    """1-based line of a node's start."""
    return node.start_point[0] + 1


def string_value(node) -> str:
    """A string literal's value (its fragments and escapes, without the quotes)."""
    frags = [c for c in node.named_children if c.type in ("string_fragment", "escape_sequence")]
    if frags:
        return "".join(text(c) for c in frags)
    raw = text(node)
    return raw[1:-1] if len(raw) >= 2 and raw[0] in "'\"" else raw


def descendants(node, types: str | tuple[str, ...]):
    """Every node below (and including) ``node`` of the given type(s), in document order."""
    if isinstance(types, str):
        types = (types,)
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        stack.extend(reversed(n.named_children))


def unwrap(node, skip: tuple[str, ...] = ("comment", "decorator")):
    """``export``/``declare`` wrappers -> (the declaration node or None, the node that carries the JSDoc)."""
    carrier = node
    while node is not None and node.type in WRAPPERS:
        node = next((c for c in node.named_children if c.type not in skip), None)
    return node, carrier


def generic_args(annotation, name: str) -> list | None:
    """The type arguments of a ``name<...>`` type annotation (``: EventDefinition<A, "b">``), else None."""
    gen = annotation.named_children[0] if annotation is not None and annotation.named_children else None
    if gen is None or gen.type != "generic_type":
        return None
    gname = gen.child_by_field_name("name")
    if gname is None or text(gname) != name:
        return None
    args = gen.child_by_field_name("type_arguments")
    return [a for a in (args.named_children if args is not None else []) if a.type != "comment"]


def typed_consts(root, type_name: str):
    """``(declarator, type arguments)`` of every top-level ``const x: TypeName<...>`` declaration."""
    for node in root.named_children:
        decl, _ = unwrap(node)
        if decl is None or decl.type != "lexical_declaration":
            continue
        for d in decl.named_children:
            if d.type == "variable_declarator":
                args = generic_args(d.child_by_field_name("type"), type_name)
                if args is not None:
                    yield d, args
