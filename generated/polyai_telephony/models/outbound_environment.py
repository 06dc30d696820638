from enum import StrEnum


class OutboundEnvironment(StrEnum):
    LIVE = "live"
    PRE_RELEASE = "pre-release"
    SANDBOX = "sandbox"

    def __str__(self) -> str:
        return str(self.value)
