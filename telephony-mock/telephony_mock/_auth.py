"""Who is calling: API key → account (401 otherwise) → agent of that account (403 otherwise).

An agent of another account and an agent that does not exist get the same 403, so a key
cannot probe which agent ids exist (assumption `tenancy-403`). A request carrying the key header
more than once is 401 whatever the keys are: an ambiguous credential is never resolved by
picking one of them (assumption `single-credential`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import _errors
from ._config import MockConfig
from ._errors import ApiError


@dataclass(frozen=True, slots=True)
class Caller:
    """The agent a request acts for; its project is the one it may see and change."""

    account_id: str
    agent_id: str
    project_id: str
    # Projects of the caller's account: where a connector may be moved to.
    account_projects: frozenset[str]


# An account, as far as a request can reach: its callers by agent id.
Account = Mapping[str, Caller]


class Auth:
    def __init__(self, config: MockConfig) -> None:
        self._by_key: dict[str, Account] = {}
        # Every agent of the config, whoever may reach it (the admin endpoints act for any).
        self.callers: dict[str, Caller] = {}
        for account in config.accounts:
            projects = frozenset(agent.project_id for agent in account.agents)
            callers = {agent.id: Caller(account.id, agent.id, agent.project_id, projects) for agent in account.agents}
            self.callers.update(callers)
            for key in account.api_keys:
                self._by_key[key] = callers

    def account(self, api_key: str | None, *, repeated: bool = False) -> Account:
        """The account of `api_key`; `repeated` says the request carried the key header more than once."""
        if repeated:
            raise ApiError(_errors.AUTH_USER_UNAUTHORISED, "The API key header was sent more than once; send one key.")
        account = self._by_key.get(api_key) if api_key else None
        if account is None:
            raise ApiError(_errors.AUTH_USER_UNAUTHORISED)
        return account

    @staticmethod
    def caller(account: Account, agent_id: str) -> Caller:
        caller = account.get(agent_id)
        if caller is None:
            raise ApiError(_errors.USER_ACCESS_FORBIDDEN)
        return caller
