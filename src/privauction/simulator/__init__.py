"""Simulators: vectorised batch Monte Carlo, the Bayesian observer, the simpy market."""

from .batch import Outcomes, draw_values, simulate

__all__ = ["Outcomes", "draw_values", "simulate"]
