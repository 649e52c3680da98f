"""Baton for notebooks: one set of numbers for sales and marketing.

Load CRM and spreadsheet exports (or pandas DataFrames) into a workspace and
get the shared metrics as pandas DataFrames::

    import baton
    mapping = baton.sample("demo", people=5000)     # a sample B2B dataset
    ws = baton.load(mapping)                         # or baton.from_pandas(...)
    funnel = ws.funnel(by="source")                  # the demand waterfall
    baton.plot.funnel(funnel)                        # or funnel.baton.plot()
    ws.attribution(), ws.handoff(), ws.spend(), ws.deals(), ws.scorecard()

Results have exactly the columns of the ``baton`` command line's tables.
Data-quality warnings are issued as :class:`DataQualityWarning` and kept in
``df.attrs["warnings"]``. Engine errors raise :class:`BatonError`
subclasses that are also the usual built-in exceptions (ValueError,
FileNotFoundError, LookupError). Long loads show a progress bar and stop on
Ctrl-C. A frozen workspace may be analysed from many threads at once.

The package is self-contained: the engine (libbaton) and its connector
plugins ship inside it.
"""
from . import _baton
from ._errors import (BatonError, CancelledError, DataError, DataQualityWarning,
                      FileMissingError, InvalidArgumentError, NotFoundError)
from ._workspace import (ScoringResult, Workspace, from_pandas, load, load_plugin, plugins,
                         sample, sync)
from . import plot
from . import _accessor  # registers the DataFrame accessor `df.baton`

__version__ = _baton.version()

__all__ = [
    "Workspace", "ScoringResult", "load", "from_pandas", "sample", "sync", "plugins",
    "load_plugin",
    "BatonError", "InvalidArgumentError", "DataError", "NotFoundError", "FileMissingError",
    "CancelledError", "DataQualityWarning", "plot", "version", "abi_version",
]


def version():
    """The engine's release, e.g. "1.0.0" (also ``baton.__version__``)."""
    return _baton.version()


def abi_version():
    """The loaded C ABI as (major, minor)."""
    v = _baton.abi_version()
    return (v >> 16, v & 0xFFFF)
