from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.outbound_call_state import OutboundCallState

T = TypeVar("T", bound="OutboundCallStatus")


@_attrs_define
class OutboundCallStatus:
    """Where an outbound call is.

    Attributes:
        call_sid (str):
        status (OutboundCallState): QUEUED, then CALLING, then SUCCESS or FAILURE.
        reason (str): Why the call is in this state; set when it failed, empty otherwise.
    """

    call_sid: str
    status: OutboundCallState
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        call_sid = self.call_sid

        status = self.status.value

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "callSid": call_sid,
                "status": status,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        call_sid = d.pop("callSid")

        status = OutboundCallState(d.pop("status"))

        reason = d.pop("reason")

        outbound_call_status = cls(
            call_sid=call_sid,
            status=status,
            reason=reason,
        )

        outbound_call_status.additional_properties = d
        return outbound_call_status

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
