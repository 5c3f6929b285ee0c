"""Stage "cluster": copy rings as connected components of verified copy pairs (union-find)."""

from __future__ import annotations

from collections.abc import Iterable


def clusters(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Sorted rings (each sorted), each of two or more members."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)
