"""inspector: on-site guidance of party branches (基层党委现场指导), headless domain layer."""

__version__ = "0.1.0"
