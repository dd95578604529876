"""Simulators: vectorised batch Monte Carlo, the Bayesian observer, the simpy market."""

from .batch import Outcomes, draw_values, simulate
from .observer import Observer

__all__ = ["Observer", "Outcomes", "draw_values", "simulate"]
