"""pyserial URL handlers added by the rig driver (``serial.protocol_handler_packages``)."""
