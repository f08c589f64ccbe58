"""The inspection workflow: a state machine over the rig, phone and camera, with live events.

`events` holds the event types and bus every front end (CLI, overlay, Qt app) subscribes to.
"""

from station.inspection.events import KINDS, STEPS, EventBus, InspectionEvent

__all__ = ["KINDS", "STEPS", "EventBus", "InspectionEvent"]
