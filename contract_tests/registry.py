"""What the checks declare: the operations each judges, the broken mocks that prove it, what it probes.

Read once from the modules that declare checks (`Registry.of`) and frozen: the conductor, the
report and the tests are handed it, and nothing adds to it while a run is in progress.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType, ModuleType

from contract_tests.broken_mocks import Mutation


@dataclass(frozen=True)
class Declared:
    """What one check declares beside its code."""

    judges: frozenset[str] = frozenset()  # the operations it judges; none named: every one
    proven_by: tuple[Mutation, ...] = ()  # the broken mocks it must catch
    probes: Mapping[str, str] = field(default_factory=dict)  # an assumption it tests itself: the read it sends


@dataclass(frozen=True)
class Registry:
    judges: Mapping[str, frozenset[str]]  # by check
    proofs: Mapping[str, tuple[Mutation, ...]]  # by check, each mutation naming it as `caught_by`
    probed: Mapping[str, str]  # the read each assumption the checks probe is probed with

    @classmethod
    def of(cls, *modules: ModuleType) -> Registry:
        """Every check of `modules` that declares itself (a `declared` attribute), by its name."""
        judges: dict[str, frozenset[str]] = {}
        proofs: dict[str, tuple[Mutation, ...]] = {}
        probed: dict[str, str] = {}
        for module in modules:
            for value in vars(module).values():
                declared = getattr(value, "declared", None)
                if isinstance(declared, Declared):
                    name = value.__name__
                    judges[name] = declared.judges
                    proofs[name] = tuple(replace(mutation, caught_by=name) for mutation in declared.proven_by)
                    probed.update(declared.probes)
        return cls(MappingProxyType(judges), MappingProxyType(proofs), MappingProxyType(probed))

    @property
    def mutations(self) -> list[Mutation]:
        return [mutation for mutations in self.proofs.values() for mutation in mutations]
