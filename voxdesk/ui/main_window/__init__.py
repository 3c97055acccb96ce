"""main_window"""
