"""Structure resolution: flat entries -> field trees.

Three kinds of evidence, strongest first:

1. **Indentation** (live pages).  A field at column ``c`` has its children at ``c+3`` and
   its ONE-OF markers at ``c+3`` with members at ``c+6``.  A top-level ``param name:`` at
   column ``p`` is rendered differently: ONE-OF at ``p+1``, members at ``p+2``, but its own
   fields *and* its ONE-OF members' children both at ``p+5`` -- the one place where
   indentation is ambiguous.
2. **Registry** of object shapes (field names, ONE-OF groups, field types) learned from every
   unambiguous occurrence on every page, both surfaces, requests and return types.
3. **Hints** (``contracts/hints.json``): reviewed facts for what neither settles.

For each entry we list the open containers it could belong to, ask each whether its known
shape admits the field (yes / no / unknown), and take the innermost "yes", else the
innermost "unknown".  Every decision with more than one candidate is recorded
(``Decision``) so the build can print an ambiguity report; ``--strict`` fails on the
unresolved ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .entries import Entry, FieldEntry, OneOfEntry

SCALARS = {"string", "integer", "number", "boolean", "Date", "date"}
# Deepest nesting kept (tree nodes below the root, ONE-OF groups included).  The real pages
# nest about a dozen levels; a damaged page can stack thousands, which every recursive walk
# downstream (and the emitters) would follow.  Entries deeper than this are dropped and
# reported (``Resolver.dropped``).
MAX_DEPTH = 40
# Most members kept in one ONE-OF group.  The real groups have two or three; a schema says
# "at most one of" with a constraint per pair, so a damaged page putting thousands of fields
# in one group would make schemas of hundreds of megabytes.
MAX_GROUP = 64


def norm(name: str) -> str:
    """SDK surfaces prefix some names with ``_`` (``_id``, ``_createdDate``)."""
    return name[1:] if name.startswith("_") else name


@dataclass
class Shape:
    fields: list[str] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)
    field_types: dict[str, str] = field(default_factory=dict)
    leaf: bool = False
    origin: str = "docs"  # docs | hints

    def members(self) -> set[str]:
        return set(self.fields) | {m for g in self.groups for m in g}

    def group_of(self, name: str) -> list[str] | None:
        for g in self.groups:
            if name in g:
                return g
        return None


class Registry:
    def __init__(self) -> None:
        self.shapes: dict[str, Shape] = {}

    def get(self, key: str | None) -> Shape | None:
        return self.shapes.get(key) if key else None

    def learn(self, key: str, fields: list[str], groups: list[list[str]], types: dict[str, str], leaf: bool, origin: str = "docs") -> None:
        s = self.shapes.get(key)
        if s is None:
            self.shapes[key] = Shape(list(fields), [list(g) for g in groups], dict(types), leaf, origin)
            return
        if s.leaf and not leaf:
            s.leaf = False
        for f in fields:
            if f not in s.fields and s.group_of(f) is None:
                s.fields.append(f)
        for g in groups:
            existing = next((x for x in s.groups if set(x) & set(g)), None)
            if existing is None:
                s.groups.append(list(g))
                s.fields = [f for f in s.fields if f not in g]
            else:
                existing.extend(m for m in g if m not in existing)
        for k, v in types.items():
            s.field_types.setdefault(k, v)
        if origin == "docs":
            s.origin = "docs"


@dataclass
class Node:
    kind: str  # root | field | oneof
    entry: Entry | None
    parent: "Node | None"
    key: str | None  # registry key of this node's object type (oneof: its parent's)
    col: int | None
    is_param: bool = False
    container: bool = False
    children: list["Node"] = field(default_factory=list)
    placed: set[str] = field(default_factory=set)
    clean: bool = True  # every placement under it was decided by indentation alone
    first_child_col: int | None = None
    depth: int = 0  # nodes between this one and the root (root: 0)
    path: str | None = field(default=None, repr=False)  # cached ``path_of``

    @property
    def obj(self) -> "Node":
        return self.parent if self.kind == "oneof" and self.parent else self

    def name(self) -> str:
        return self.entry.name if isinstance(self.entry, FieldEntry) else ("ONE-OF" if self.kind == "oneof" else "")


@dataclass
class Decision:
    entry: Entry
    chosen: str  # path of the chosen container
    candidates: list[str]
    resolved_by: str  # indentation | registry | hints | default
    unresolved: bool
    note: str = ""


def type_key(e: FieldEntry, parent_key: str | None, reg: Registry, live: bool) -> tuple[str | None, bool]:
    """(registry key, is container) for a field entry."""
    t = e.type_text
    if e.enum or not t or t == e.name or t in SCALARS:
        return None, False
    if t.startswith("array<") and t.endswith(">"):
        inner = t[6:-1]
        if inner in SCALARS:
            return None, False
        return inner, True
    if t == "array":
        shape = reg.get(parent_key)
        known = shape.field_types.get(norm(e.name)) if shape else None
        if known and known.startswith("array<"):
            inner = known[6:-1]
            return (None, False) if inner in SCALARS else (inner, True)
        return f"{parent_key}.{norm(e.name)}[]", True
    if t == "object":
        return f"{parent_key}.{norm(e.name)}", live
    if t[0].isupper():
        return t, True
    return None, False


class Resolver:
    def __init__(self, reg: Registry):
        self.reg = reg
        self.decisions: list[Decision] = []
        # entries left out of the tree, with why: nested deeper than MAX_DEPTH, past
        # MAX_GROUP members of a ONE-OF, or a ONE-OF before any parameter (a parameter list
        # holds named parameters only)
        self.dropped: list[tuple[Entry, str]] = []

    # -- candidates -------------------------------------------------------------
    @staticmethod
    def _expected(n: Node, e: Entry) -> int | None:
        if n.col is None:
            return None
        if n.kind == "root":
            return n.first_child_col
        if n.kind == "oneof":
            return n.col + (1 if n.parent and n.parent.is_param else 3)
        if isinstance(e, OneOfEntry):
            return n.col + (1 if n.is_param else 3)
        return n.col + (5 if n.is_param else 3)

    def _verdict(self, n: Node, e: Entry) -> str:
        shape = self.reg.get(n.key)
        if isinstance(e, OneOfEntry):
            if n.kind != "field" and n.kind != "root":
                return "no"
            if shape is None:
                return "unknown"
            return "yes" if shape.groups and len([c for c in n.children if c.kind == "oneof"]) < len(shape.groups) else "no"
        nm = norm(e.name)
        if nm in n.obj.placed:
            return "no"
        if shape is None:
            return "unknown"
        if shape.leaf:
            return "no"
        if n.kind == "oneof":
            placed = [norm(c.name()) for c in n.children]
            group = shape.group_of(placed[0]) if placed else shape.group_of(nm)
            return "yes" if group and nm in group else "no"
        return "yes" if nm in shape.fields else "no"

    def _skip(self, n: Node, e: FieldEntry) -> int:
        shape = self.reg.get(n.key)
        if shape is None:
            return 0
        order = shape.group_of(norm(e.name)) if n.kind == "oneof" else shape.fields
        order = order or []
        placed = [norm(c.name()) for c in n.children if c.kind == "field"]
        last = max((order.index(p) for p in placed if p in order), default=-1)
        idx = order.index(norm(e.name)) if norm(e.name) in order else len(order)
        if idx < last:
            return 10_000  # would go backwards
        return sum(1 for f in order[last + 1 : idx] if f not in n.obj.placed)

    def place(self, stack: list[Node], e: Entry, live: bool) -> Node:
        conts = [n for n in reversed(stack) if n.container]
        if not conts:  # a field before any parameter: keep it, at the top, and say so
            self.decisions.append(Decision(e, "<root>", [], "default", True, "field outside any parameter or return type"))
            return stack[0]
        cands = conts
        by_indent = False
        if e.col is not None and live:
            exact = [n for n in conts if self._expected(n, e) in (None, e.col) and (n.col is None or n.col < e.col)]
            # a root with no child yet accepts any column; prefer exact column matches
            strict = [n for n in exact if self._expected(n, e) == e.col]
            if strict:
                exact = strict
            if exact:
                cands = exact
                by_indent = len(exact) == 1
        if len(cands) == 1:
            return cands[0]
        verdicts = [(n, self._verdict(n, e)) for n in cands]
        yes = [n for n, v in verdicts if v == "yes"]
        if len(yes) > 1 and isinstance(e, FieldEntry):
            # fields are listed in declaration order: prefer the container where this
            # field comes next, over one where it would skip fields not yet seen
            skips = [(self._skip(n, e), n) for n in yes]
            best = min(sk for sk, _ in skips)
            yes = [n for sk, n in skips if sk == best]
        unk = [n for n, v in verdicts if v == "unknown"]
        for n in cands:
            n.clean = False
        if yes:
            chosen = yes[0]
            unresolved = len(yes) > 1
            shape = self.reg.get(chosen.key)
            by = "hints" if shape and shape.origin == "hints" else "registry"
        elif unk:
            chosen = unk[0]
            unresolved = len(unk) > 1
            by = "registry" if not unresolved else "default"
        else:
            chosen = cands[0]
            unresolved = True
            by = "default"
        self.decisions.append(
            Decision(e, path_of(chosen), [path_of(n) for n in cands], by, unresolved,
                     "" if yes or unk else "no candidate's known shape lists this field")
        )
        return chosen

    # -- trees ------------------------------------------------------------------
    def build(self, entries: list[Entry], root_key: str | None, params: bool, options_key: str | None = None) -> Node:
        live = any(e.col is not None for e in entries)
        root = Node("root", None, None, root_key, None, container=not params)
        stack: list[Node] = [root]
        for e in entries:
            if isinstance(e, FieldEntry) and e.is_param:
                key, cont = type_key(e, root_key, self.reg, True)
                if options_key and key == e.type_text and key.endswith("Options"):
                    key = options_key  # SDK options object == REST request body (less path params)
                node = Node("field", e, root, key, e.col, is_param=True, container=cont or e.type_text == "object", depth=1)
                root.children.append(node)
                root.placed.add(norm(e.name))
                stack = [root, node]
                continue
            parent = self.place(stack, e, live)
            last = self.decisions[-1] if self.decisions and self.decisions[-1].entry is e else None
            if isinstance(e, OneOfEntry):
                if parent.kind == "oneof":  # groups do not nest: the group belongs to the enclosing object
                    parent = parent.obj
                    if last is not None:
                        last.chosen = path_of(parent)
                if parent.kind == "root" and params:
                    self._drop(e, last, "ONE-OF before any parameter")
                    continue
            if isinstance(e, FieldEntry) and parent.kind == "oneof" and len(parent.children) >= MAX_GROUP:
                self._drop(e, last, f"a ONE-OF group past {MAX_GROUP} members")
                continue
            if parent.depth >= MAX_DEPTH:
                self._drop(e, last, f"nested deeper than {MAX_DEPTH} levels")
                continue
            if e.col is not None and parent.first_child_col is None and isinstance(e, FieldEntry):
                parent.first_child_col = e.col
            if isinstance(e, OneOfEntry):
                node = Node("oneof", e, parent, parent.obj.key, e.col, container=True, depth=parent.depth + 1)
            else:
                key, cont = type_key(e, parent.obj.key, self.reg, live)
                node = Node("field", e, parent, key, e.col, container=cont, depth=parent.depth + 1)
                parent.obj.placed.add(norm(e.name))
            parent.children.append(node)
            # the open chain is now: ancestors of the new node + the node itself
            chain = []
            n: Node | None = node
            while n is not None:
                chain.append(n)
                n = n.parent
            stack = list(reversed(chain))
        return root

    def _drop(self, e: Entry, decision: Decision | None, why: str) -> None:
        if decision is not None and self.decisions and self.decisions[-1] is decision:
            self.decisions.pop()
        self.dropped.append((e, why))

    def learn_from(self, root: Node) -> None:
        """Record the shapes of every clean container in a resolved tree."""
        for n in walk(root):
            if n.kind == "root" and not n.container and n.key and n.children:
                # a parameter list: every top-level param is marked as such, never ambiguous
                self.reg.learn(n.key, [norm(c.name()) for c in n.children],
                               [], {norm(c.name()): c.entry.type_text for c in n.children}, leaf=False)  # type: ignore[union-attr]
                continue
            if n.kind == "oneof" or not n.container or not n.key or not n.clean:
                continue
            if n.kind == "root" and not n.children:
                continue
            fields, groups, types = [], [], {}
            for c in n.children:
                if c.kind == "oneof":
                    groups.append([norm(m.name()) for m in c.children])
                    for m in c.children:
                        types[norm(m.name())] = m.entry.type_text  # type: ignore[union-attr]
                else:
                    fields.append(norm(c.name()))
                    types[norm(c.name())] = c.entry.type_text  # type: ignore[union-attr]
            synthetic = "." in n.key
            if not n.children and not synthetic:
                continue  # a named type shown without its body: a reference, not a leaf
            self.reg.learn(n.key, fields, groups, types, leaf=not n.children)


def walk(n: Node):
    yield n
    for c in n.children:
        yield from walk(c)


def path_of(n: Node) -> str:
    if n.path is None:
        if n.kind == "root" or n.parent is None:
            n.path = "<root>" if n.kind == "root" else n.name()
        else:
            up = path_of(n.parent)
            n.path = n.name() if up == "<root>" else f"{up}.{n.name()}"
    return n.path
