"""Account roles, lowest first: each role can do everything the ones before it can."""

from __future__ import annotations

ROLES = ("member", "moderator", "admin")


def has_role(role: str | None, needed: str) -> bool:
    """Whether an account with `role` may do what needs `needed` (an unknown role may do nothing)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def checked_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return role
