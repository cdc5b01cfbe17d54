"""Browser dashboard for coprod (Solara, on Mesa's SolaraViz conventions); see docs/dashboard.md."""
