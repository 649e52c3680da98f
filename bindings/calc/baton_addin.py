"""The UNO components of the Baton Calc add-in (registered by manifest.xml).

BatonAddIn implements org.baton.calc.XBaton (idl/XBaton.idl) for Calc's
function wizard; CalcAddIns.xcu gives its functions their names (BATON.FUNNEL,
...), category and argument help. BatonReportHandler runs "Build alignment
report" when the menu entry or toolbar button (Addons.xcu) dispatches
org.baton.calc:BuildReport.

Both are thin: they turn UNO arguments into Python values and delegate to
the baton_calc package (pythonpath/, which LibreOffice puts on sys.path).
Calc may call add-in functions from more than one thread; every call builds
its own workspace, so no state is shared.
"""

import uno  # noqa: F401 (enables the UNO type imports below)
import unohelper

from com.sun.star.frame import XDispatch, XDispatchProvider
from com.sun.star.lang import XInitialization
from org.baton.calc import XBaton

from baton_calc import capi, functions, report

ADDIN_NAME = "org.baton.calc.BatonAddIn"
REPORT_NAME = "org.baton.calc.BatonReportHandler"
PROTOCOL = "org.baton.calc:"


def _mapping(document):
    """The calling document's "Mapping" sheet (canonical | yours), if any.
    A sheet that cannot be read counts as no mapping: the range reader then
    names the canonical column it misses, which tells the user what to fix."""
    try:
        if document is not None and hasattr(document, "getSheets"):
            return report.document_mapping(document)
    except Exception:
        pass
    return {}


class BatonAddIn(unohelper.Base, XBaton):
    def __init__(self, ctx):
        self.ctx = ctx

    def funnel(self, document, people, stages, by):
        return functions.funnel(people, stages, by, _mapping(document))

    def attribution(self, document, touches, stages, model, by):
        return functions.attribution(touches, stages, model, by, _mapping(document))

    def handoff(self, document, stages, touches, slaHours):
        return functions.handoff(stages, touches, slaHours, _mapping(document))

    def version(self):
        try:
            return capi.version()
        except Exception as e:
            return "Baton: %s" % e


class BatonReportHandler(unohelper.Base, XInitialization, XDispatchProvider, XDispatch):
    """The protocol handler of org.baton.calc:* URLs (ProtocolHandler.xcu).
    The framework makes one per frame and passes the frame to initialize,
    so the command acts on the document of the window it was invoked from
    (also for hidden documents, which have no "current component")."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.frame = None

    def initialize(self, arguments):
        for a in arguments:
            if hasattr(a, "getController"):
                self.frame = a

    def queryDispatch(self, url, target_frame, search_flags):
        if url.Protocol == PROTOCOL and url.Path == "BuildReport":
            return self
        return None

    def queryDispatches(self, requests):
        return tuple(self.queryDispatch(r.FeatureURL, r.FrameName, r.SearchFlags)
                     for r in requests)

    def dispatch(self, url, arguments):
        try:
            doc = self.frame.getController().getModel() if self.frame else None
        except Exception:
            doc = None
        if doc is not None and hasattr(doc, "getSheets"):
            report.build_report(doc)

    def addStatusListener(self, listener, url):
        pass

    def removeStatusListener(self, listener, url):
        pass


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(
    BatonAddIn, ADDIN_NAME, ("com.sun.star.sheet.AddIn",))
g_ImplementationHelper.addImplementation(
    BatonReportHandler, REPORT_NAME, ("com.sun.star.frame.ProtocolHandler",))
