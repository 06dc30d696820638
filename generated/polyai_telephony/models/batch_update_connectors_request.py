from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.connector_update import ConnectorUpdate


T = TypeVar("T", bound="BatchUpdateConnectorsRequest")


@_attrs_define
class BatchUpdateConnectorsRequest:
    """Updates to apply, each on its own.

    Attributes:
        updates (list[ConnectorUpdate]):
    """

    updates: list[ConnectorUpdate]

    def to_dict(self) -> dict[str, Any]:
        updates = []
        for updates_item_data in self.updates:
            updates_item = updates_item_data.to_dict()
            updates.append(updates_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "updates": updates,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_update import ConnectorUpdate  # noqa: PLC0415

        d = dict(src_dict)
        updates = []
        _updates = d.pop("updates")
        for updates_item_data in _updates:
            updates_item = ConnectorUpdate.from_dict(updates_item_data)

            updates.append(updates_item)

        batch_update_connectors_request = cls(
            updates=updates,
        )

        return batch_update_connectors_request
