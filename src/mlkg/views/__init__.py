"""Stage 4, views: everything derived from a built graph, each in its own module.

:mod:`chains` (learning plans), :mod:`rdf` (the SKOS export), :mod:`sparql`
(queries over it), :mod:`map` (the interactive page), :mod:`text` (what the
command line prints), :mod:`evaluate` (scores against gold), :mod:`push`
(upload to a store) and :mod:`server` (all of them over HTTP).  A view reads
the graph and never changes it.
"""
