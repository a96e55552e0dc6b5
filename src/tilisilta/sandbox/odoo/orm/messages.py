"""Odoo's error messages, worded per version, in one place."""

from __future__ import annotations

from collections.abc import Sequence

from ..exceptions import AccessError, MissingError, ValidationError


def recordset_repr(model: str, ids: Sequence[int]) -> str:
    inner = ", ".join(str(i) for i in ids)
    return f"{model}({inner},)" if len(ids) == 1 else f"{model}({inner})"


def missing(model: str, ids: Sequence[int], uid: int) -> MissingError:
    return MissingError(
        "Record does not exist or has been deleted.\n"
        f"(Record: {recordset_repr(model, list(ids)[:6])}, User: {uid})"
    )


_OPERATION_VERBS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}


def record_rule(
    version: int,
    *,
    model: str,
    description: str,
    operation: str,
    user_name: str,
    uid: int,
    suggested_company: str | None,
    user_has_company: bool,
) -> AccessError:
    """The record-rule refusal as a non-debug user sees it, with the multi-company hint."""
    if version <= 16:
        verb = _OPERATION_VERBS.get(operation, operation)
        text = (
            f"Due to security restrictions, you are not allowed to {verb} '{description}' "
            f"({model}) records.\n\nContact your administrator to request access if necessary."
        )
        return AccessError(text + "\n\nNote: this might be a multi-company issue.")
    text = (
        "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
        f"Sorry, {user_name} (id={uid}) doesn't have '{operation}' access to:\n"
        f"- {description} ({model})\n\n"
        "If you really, really need access, perhaps you can win over your friendly "
        "administrator with a batch of freshly baked cookies."
    )
    if suggested_company and user_has_company:
        text += (
            "\n\nThis seems to be a multi-company issue, you might be able to access the record "
            f"by switching to the company: {suggested_company}."
        )
    elif suggested_company:
        text += (
            "\n\nThis seems to be a multi-company issue, but you do not have access to the "
            "proper company to access the record anyhow."
        )
    return AccessError(text)


def not_null(
    version: int, *, model: str, description: str, field: str, label: str
) -> ValidationError:
    head = (
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted."
        " If possible, archive it instead."
    )
    if version <= 16:
        return ValidationError(
            f"{head}\n\nModel: {description} ({model}), Field: {label} ({field})"
        )
    return ValidationError(f"{head}\n\nModel: {description} ({model})\nField: {label} ({field})\n")


def foreign_key(version: int, *, model: str, description: str, constraint: str) -> ValidationError:
    head = (
        "The operation cannot be completed: another model requires the record being deleted."
        " If possible, archive it instead."
    )
    if version <= 16:
        return ValidationError(
            f"{head}\n\nModel: {description} ({model}), Constraint: {constraint}"
        )
    return ValidationError(f"{head}\n\nModel: {description} ({model})\nConstraint: {constraint}\n")


def invalid_field(model: str, name: str) -> str:
    return f"Invalid field {name!r} on model {model!r}"
