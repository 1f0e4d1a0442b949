"""The playground: a local web page that builds, steps through and trains small networks (`glassgrad serve`)."""
