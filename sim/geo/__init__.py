"""Geography: WGS84 geodesics, closed airspace as polygons, and legal routes around it."""
