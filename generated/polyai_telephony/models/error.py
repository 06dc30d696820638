from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """The envelope of every 4xx and 5xx answer.

    Attributes:
        success (bool):
        error (str): A human-readable message. Every published example carries the same text here as in `error_message`;
            it is not the HTTP reason phrase.
        error_id (str): The request's correlation id, also sent as X-PolyAI-Correlation-Id.
        error_code (str): A stable UPPER_SNAKE_CASE code, such as PHONE_NUMBERS_NOT_FOUND.
        error_message (str): A human-readable explanation.
        data (None): Always null on errors.
    """

    success: bool
    error: str
    error_id: str
    error_code: str
    error_message: str
    data: None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        error = self.error

        error_id = self.error_id

        error_code = self.error_code

        error_message = self.error_message

        data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "error": error,
                "error_id": error_id,
                "error_code": error_code,
                "error_message": error_message,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        success = d.pop("success")

        error = d.pop("error")

        error_id = d.pop("error_id")

        error_code = d.pop("error_code")

        error_message = d.pop("error_message")

        data = d.pop("data")

        error = cls(
            success=success,
            error=error,
            error_id=error_id,
            error_code=error_code,
            error_message=error_message,
            data=data,
        )

        error.additional_properties = d
        return error

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
