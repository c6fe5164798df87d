//# sourceMappingURL=insert-body.js.map
