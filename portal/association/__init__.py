"""The association's own life: its members per year, their fees and payments."""
