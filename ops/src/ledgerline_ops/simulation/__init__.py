"""A deterministic company simulator that drives the real services the way the outside world
does (see ops/README.md): `Simulation(SimulationConfig(...), services).run()`."""

from .driver import Simulation, SimulationConfig, Summary, settle
from .services import Services, SimulationError, http_services, kafka_publisher

__all__ = ["Services", "Simulation", "SimulationConfig", "SimulationError", "Summary",
           "http_services", "kafka_publisher", "settle"]
