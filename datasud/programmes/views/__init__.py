"""Pages of the programmes: public ones (`public.py`: programmes, key figures, Sud Labs
directory and places, participants) and the applicants' and instructors' ones
(`applications.py`)."""
