"""The package's exceptions and warnings, and how engine errors map to them.

Every engine error is a :class:`BatonError` carrying the engine's message, its
status code (``code``, the C ABI's ``baton_status``) and the code's name
(``code_name``, e.g. ``"ParseError"``). Subclasses also derive from the
built-in exception a Python user would catch:

====================  ===================================  =====================
engine status         exception                            also a
====================  ===================================  =====================
INVALID_ARGUMENT      :class:`InvalidArgumentError`        ``ValueError``
PARSE_ERROR           :class:`DataError`                   ``ValueError``
NOT_FOUND (a file)    :class:`FileMissingError`            ``FileNotFoundError``
NOT_FOUND (other)     :class:`NotFoundError`               ``LookupError``
CANCELLED             :class:`CancelledError`              (Ctrl-C: ``KeyboardInterrupt``)
anything else         :class:`BatonError`
====================  ===================================  =====================

"A file" means a NOT_FOUND from a call that reads what the caller named
(``load``, ``load_plugin``), except an unknown connector name.
"""

__all__ = [
    "BatonError", "InvalidArgumentError", "DataError", "NotFoundError",
    "FileMissingError", "CancelledError", "DataQualityWarning",
]

# The C ABI's baton_status values (connector.h).
_INVALID_ARGUMENT = 1
_NOT_FOUND = 2
_PARSE_ERROR = 4
_CANCELLED = 6


class BatonError(Exception):
    """An error reported by the Baton engine.

    Attributes:
        code: the engine's status code (``baton_status``, e.g. 4).
        code_name: the code's name (e.g. ``"ParseError"``).
    """

    code: int = 0
    code_name: str = ""

    def __init__(self, message, code=0, code_name=""):
        super().__init__(message)
        self.code = code
        self.code_name = code_name

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class InvalidArgumentError(BatonError, ValueError):
    """A bad argument or option (the message names it and the valid values)."""


class DataError(BatonError, ValueError):
    """Input data that cannot be read: the message names the file or column,
    the row and the value."""


class NotFoundError(BatonError, LookupError):
    """Something named was not found: a connector, a column, an attribute."""


class FileMissingError(NotFoundError, FileNotFoundError):
    """A file the call was asked to read does not exist."""

    def __init__(self, message, code=0, code_name=""):
        # OSError's own constructor would read (errno, strerror) from args.
        NotFoundError.__init__(self, message, code, code_name)


class CancelledError(BatonError):
    """The engine stopped because the progress callback asked it to."""


class DataQualityWarning(UserWarning):
    """A data-quality finding attached to a result (for example deals won
    before the lead's first contact). The same texts are kept in the result's
    ``df.attrs["warnings"]``."""


def _from_engine(code, code_name, message, file_call):
    """The exception instance for an engine error (called by baton._baton)."""
    if code == _INVALID_ARGUMENT:
        cls = InvalidArgumentError
    elif code == _PARSE_ERROR:
        cls = DataError
    elif code == _NOT_FOUND:
        cls = (FileMissingError
               if file_call and not message.startswith("no connector") else NotFoundError)
    elif code == _CANCELLED:
        cls = CancelledError
    else:
        cls = BatonError
    return cls(message, code, code_name)
