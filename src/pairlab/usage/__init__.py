"""Use of published products: reads recorded, query logs imported, reviews decided."""
