//# sourceMappingURL=definition.js.map
