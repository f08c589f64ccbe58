"""Domain layer of the phone inspection station: workflow, grading, IMEI, reports, warranty, CLI.

Never imports Qt; talks to hardware only through `drivers`.
"""

__version__ = "0.1.0"
