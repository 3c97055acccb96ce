"""The main window: layout and signal wiring, every action and menu, its dialogs."""
