"""French stop words, left out of queries (and of the SQLite index's stemmed columns).

PostgreSQL's `french.stop` list (from Snowball), unaccented entries only: PostgreSQL checks
stop words on the text we give it, which we unaccent first, so its accented entries ("été")
never match. Plus "les" and "a" (from "à"), which that list lacks or loses to unaccenting:
required in a query, they would only send it to the any-word fallback.
"""

STOPWORDS = frozenset(
    """
    au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me mes
    moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi
    ton tu un une vos votre vous c d j l m n s t y suis es est sommes sont serai seras sera
    serons serez seront serais serait serions seriez seraient fus fut furent sois soit
    soyons soyez soient fusse fusses fussions fussiez fussent ayant ayante ayantes ayants eu
    eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait
    aurions auriez auraient avais avait avions aviez avaient eut eurent aie aies ait ayons
    ayez aient eusse eusses eussions eussiez eussent
    les a
    """.split()
)
