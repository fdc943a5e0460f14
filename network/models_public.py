"""Awareness material and news."""
