from enum import StrEnum


class OutboundCallState(StrEnum):
    CALLING = "CALLING"
    FAILURE = "FAILURE"
    QUEUED = "QUEUED"
    SUCCESS = "SUCCESS"

    def __str__(self) -> str:
        return str(self.value)
