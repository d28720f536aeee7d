"""Parameterised reports on the monitoring survey of the programme Modellprojekte Smart Cities."""
