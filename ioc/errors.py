"""The root exception and its specific kinds."""


class IocError(Exception):
    """Root of every error the IOC raises on purpose."""


class SettingsError(IocError):
    """A setting has a value that cannot be used."""


class InvalidEvent(IocError):
    """An event failed decoding or validation; ``reason`` says why, for the dead-letter store."""

    def __init__(self, reason: str, kind: str = "schema") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


class UnknownUnit(InvalidEvent):
    """An event names a unit code that is neither current nor legacy."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, kind="unit")


class GeodataError(IocError):
    """A boundary file or registry cannot be used."""


class BrokerError(IocError):
    """The local Kafka broker cannot be prepared, started or reached."""


class TransientError(IocError):
    """A failure that goes away by itself (database restarting); retry, don't skip."""


class StoreUnavailable(TransientError):
    """The database cannot be reached right now."""


class WorkTimeError(IocError):
    """A working-time or deadline computation got input it cannot use."""


class NaiveDatetime(WorkTimeError):
    """A datetime without a time zone reached working-time code; it cannot be placed in Asia/Ho_Chi_Minh."""


class OutsideCalendar(WorkTimeError):
    """A date falls outside the years the working calendar covers."""
