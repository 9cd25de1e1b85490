"""Password hashing (argon2id) and the password policy: at least 8 characters, not a common password.

No composition rules and no truncation (NIST SP 800-63B): every character counts. A generous upper bound
only keeps one request from hashing megabytes.
"""

from __future__ import annotations

import contextlib
import functools
import re
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 1024
# argon2id with 19 MiB and 2 passes: the OWASP minimum; parallelism 1 keeps a login to one core.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)


class WeakPassword(ValueError):
    """The password breaks the policy; the message says which rule."""


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files("dailypapers.community").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_policy(password: str, username: str | None = None, email: str | None = None) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"password: must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"password: must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in common_passwords() or re.fullmatch(r"(.)\1*", password):
        raise WeakPassword("password: too common, choose another one")
    for personal in (username, (email or "").split("@")[0]):
        if personal and len(personal) >= 3 and lowered == personal.lower():
            raise WeakPassword("password: must not be your username or email")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        verify_dummy(password)
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash("dummy password that no account has")


def verify_dummy(password: str) -> None:
    """Spend the time a real verification takes, so unknown accounts answer as slowly as known ones."""
    with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
        HASHER.verify(_dummy_hash(), password)


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
