"""The analyzers: one module per check, each a pure function of a Context, all listed here.

The registry is the one place that says which analyzers exist, in which order they run and what each
needs from the others (like a spaCy pipeline's component table). The CLI, the batch runner and the
dashboard all go through ``run``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.analyzers import balance, first_person, genre, sections, typos
from pipeline.analyzers.context import Context


@dataclass(frozen=True)
class Component:
    name: str
    func: Callable[..., Any]
    requires: tuple[str, ...] = ()
    assigns: str = ""


REGISTRY: tuple[Component, ...] = (
    Component("sections", sections.analyze, (), "the four parts, causes, vague and unanswered problems"),
    Component(
        "first_person", first_person.analyze, ("sections",), "personal / collective / institutional voice"
    ),
    Component("balance", balance.analyze, ("sections",), "shares of achievements, problems, plans"),
    Component("typos", typos.analyze, (), "misspellings, laundered wording, formulations"),
    Component("genre", genre.analyze, ("first_person", "sections"), "is it a duty report"),
)


def run(ctx: Context) -> dict[str, Any]:
    """Run every registered analyzer in order; each gets the results it requires as arguments."""
    results: dict[str, Any] = {}
    for component in REGISTRY:
        missing = [r for r in component.requires if r not in results]
        if missing:
            raise ValueError(f"analyzer {component.name} requires {missing}, which run later or not at all")
        results[component.name] = component.func(ctx, *(results[r] for r in component.requires))
    return results


__all__ = ["REGISTRY", "Component", "Context", "run"]
