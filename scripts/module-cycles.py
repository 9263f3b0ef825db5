#!/usr/bin/env python3
"""Finds cycles between the modules of crates/api/src (`make lint` runs it).

A module here is a top-level module (`auth`, `jobs`, `idempotency`, ...) or, inside the
layered folders `routes/`, `services/` and `store/`, one of their children
(`store::users`, `services::payments`). An edge a → b is a `crate::b…` or `super::…`
path in a file of a (in `use` trees too). A cycle is a strongly connected component of
more than one module; the script prints each and exits 1.
"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "crates" / "api" / "src"
LAYERED = {"routes", "services", "store"}


def module_of(parts):
    """The node a module path (list of names under the crate root) belongs to."""
    if not parts:
        return None
    if parts[0] in LAYERED and len(parts) > 1 and is_module(parts[:2]):
        return "::".join(parts[:2])
    return parts[0] if is_module(parts[:1]) else None


def is_module(parts):
    base = SRC.joinpath(*parts)
    return base.with_suffix(".rs").exists() or (base / "mod.rs").exists()


def file_module(path):
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "mod":
        parts = parts[:-1]
    return parts


def expand_use(tree):
    """Expands a `use` tree (`a::{b, c::{d, e}}`) into paths."""
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix, text):
        depth, start, items = 0, 0, []
        for i, ch in enumerate(text):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(text[start:i])
                start = i + 1
        items.append(text[start:])
        for item in filter(None, items):
            m = re.match(r"^([^{]*?)(?:::)?\{(.*)\}$", item)
            if m:
                head = [p for p in m.group(1).split("::") if p]
                walk(prefix + head, m.group(2))
            else:
                out.append(prefix + [p for p in item.split(" as ")[0].split("::") if p])

    walk([], tree)
    return out


def references(path):
    text = path.read_text()
    text = re.sub(r"//[^\n]*", "", text)
    here = file_module(path)
    paths = []
    for tree in re.findall(r"\buse\s+([^;]+);", text):
        paths.extend(expand_use(tree))
    paths.extend(p.split("::") for p in re.findall(r"\b((?:crate|super)(?:::\w+)+)", text))
    # A name a `use` brought in (`store`, `self` of `store::{self, …}`) used as a path
    # prefix in the code (`store::jobs::record`): the full path.
    aliases = {}
    for p in list(paths):
        if p and p[0] in ("crate", "super"):
            named = p[:-1] if p[-1] == "self" else p
            if len(named) > 1:
                aliases[named[-1]] = named
    for name, full in aliases.items():
        for rest in re.findall(rf"(?<![\w:]){name}((?:::\w+)+)", text):
            paths.append(full + rest.split("::")[1:])
    for p in paths:
        if not p:
            continue
        if p[0] == "crate":
            yield p[1:]
        elif p[0] == "super":
            base = here[:-1] if path.name != "mod.rs" else here[:-1]
            rest = p[1:]
            while rest and rest[0] == "super":
                base, rest = base[:-1], rest[1:]
            yield base + rest


def graph():
    edges = {}
    for path in SRC.rglob("*.rs"):
        if path.name in ("lib.rs", "main.rs"):
            continue
        a = module_of(file_module(path))
        for target in references(path):
            b = module_of([t for t in target if t != "self"])
            if a and b and a != b and not a.startswith(b + "::"):
                edges.setdefault(a, set()).add(b)
    return edges


def cycles(edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def connect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            connect(v)
    return out


if __name__ == "__main__":
    edges = graph()
    found = cycles(edges)
    for component in found:
        links = [f"{a} → {b}" for a in component for b in sorted(edges.get(a, ())) if b in component]
        print("module cycle: " + ", ".join(component) + "\n  " + "\n  ".join(links))
    if found:
        sys.exit(1)
    print(f"no module cycles among {len(set(edges) | {w for ws in edges.values() for w in ws})} modules")
