"""A purchase invoice's files attached to its Odoo vendor bill, each once.

Each file attached is checkpointed at once. An attempt that resumes an earlier one reads the
bill's attachments first and does not attach again a file Odoo already holds (same SHA-1 of the
content, which is the checksum Odoo keeps), so a lost answer never attaches a file twice.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.domain.documents import FileCopy

ATTACHMENT = "ir.attachment"


def checksum(copy: FileCopy) -> str:
    return hashlib.sha1(base64.b64decode(copy.content_base64)).hexdigest()


def attach_files(
    client: OdooClient,
    context: Mapping[str, Any],
    move_id: int,
    files: Sequence[FileCopy],
    *,
    done: Collection[int],
    look_first: bool,
    checkpoint: Callable[[list[int]], None],
    model: str = "account.move",
) -> int:
    """Attach ``files`` (by position) not in ``done``; ``look_first`` after an interrupted
    attempt. ``checkpoint`` is given the positions attached so far. How many were attached."""
    attached = sorted(done)
    todo = [position for position in range(len(files)) if position not in done]
    if not todo:
        return 0
    held: Counter[str] = Counter()
    if look_first:
        rows = client.search_read(
            ATTACHMENT,
            [("res_model", "=", model), ("res_id", "=", move_id)],
            ["checksum"],
            context=context,
        )
        held.update(str(row.get("checksum")) for row in rows)
    count = 0
    for position in todo:
        copy = files[position]
        digest = checksum(copy)
        if held[digest] > 0:
            held[digest] -= 1  # attached by the attempt whose answer was lost
        else:
            values = {
                "name": copy.name,
                "datas": copy.content_base64,
                "res_model": model,
                "res_id": move_id,
            }
            client.call(ATTACHMENT, "create", vals_list=[values], context=context)
            count += 1
        attached.append(position)
        checkpoint(sorted(attached))
    return count
