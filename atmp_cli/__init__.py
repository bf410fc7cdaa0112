"""atmp: is this product an advanced therapy medicinal product (ATMP) under EU law, and of which kind?"""

__version__ = "0.1.0"
