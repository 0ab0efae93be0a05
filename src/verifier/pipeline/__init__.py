"""Pipeline stages: documents → extraction → verification → grouping → brief."""
