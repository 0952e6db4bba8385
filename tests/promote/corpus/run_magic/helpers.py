def open_by_peril(con):
    claims = con.table("claims")
    claims = claims.filter(claims.status == "open")
    return claims.group_by("peril").agg(n=claims.count())
