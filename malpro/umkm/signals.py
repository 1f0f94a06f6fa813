from django.dispatch import Signal

# Sent after businesses change in bulk (imports), where no post_save fires: ids=[...]
businesses_changed = Signal()
