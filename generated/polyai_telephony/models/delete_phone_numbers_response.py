from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.delete_phone_number_error import DeletePhoneNumberError


T = TypeVar("T", bound="DeletePhoneNumbersResponse")


@_attrs_define
class DeletePhoneNumbersResponse:
    """Per-number results of a batch release.

    Attributes:
        deleted (list[str]): Numbers that were released.
        errors (list[DeletePhoneNumberError] | None): Numbers that were not released, and why. Absent when every number
            was released.
    """

    deleted: list[str]
    errors: list[DeletePhoneNumberError] | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deleted = self.deleted

        _errors: list[DeletePhoneNumberError] | Unset = UNSET if self.errors is None else self.errors
        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(_errors, Unset):
            errors = []
            for errors_item_data in _errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deleted": deleted,
            }
        )
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delete_phone_number_error import DeletePhoneNumberError  # noqa: PLC0415

        d = dict(src_dict)
        deleted = cast(list[str], d.pop("deleted"))

        _errors = d.pop("errors", UNSET)
        errors: list[DeletePhoneNumberError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = DeletePhoneNumberError.from_dict(errors_item_data)

                errors.append(errors_item)

        delete_phone_numbers_response = cls(
            deleted=deleted,
            errors=None if isinstance(errors, Unset) else errors,
        )

        delete_phone_numbers_response.additional_properties = d
        return delete_phone_numbers_response

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
