"""ParkOS: the operating platform of a development zone administration."""

__version__ = "0.1.0"
