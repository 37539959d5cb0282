"""Rusfelt: planning and management data for municipal substance-abuse work."""
